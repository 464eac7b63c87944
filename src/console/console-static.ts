import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The brand console: static files from the top-level `console/` folder at /console/, and the chart
 * library straight from its npm install at /console/vendor/chart.js/ — nothing from the internet.
 * The pages call the public API with the brand's key; they hold no server-side logic.
 */
export async function registerConsole(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(fastifyStatic, {
    root: join(projectRoot(), 'console'),
    prefix: '/console/',
  });
  // The pages use relative URLs, so /console must become /console/.
  fastify.get('/console', (_request, reply) => reply.redirect('/console/', 301));
  const chartJs = dirname(createRequire(import.meta.url).resolve('chart.js'));
  await fastify.register(fastifyStatic, {
    root: chartJs,
    prefix: '/console/vendor/chart.js/',
    decorateReply: false,
    allowedPath: (path) => path === '/chart.umd.min.js' || path === '/chart.umd.min.js.map',
  });
}

/** The nearest folder upwards with a package.json: the repo root from src/ (tests) and from dist/src/ alike. */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error('console: no package.json above ' + fileURLToPath(import.meta.url));
    }
    dir = parent;
  }
  return dir;
}
