import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { HealthErrors } from './health-errors.js';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(private readonly db: DataSource) {}

  @Get('health')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  health() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database answers and every migration is applied' })
  @ApiOkResponse({ schema: { example: { status: 'ready', database: 'up', migrations: 'applied' } } })
  @ApiServiceUnavailableResponse({ description: 'Database down or migrations pending' })
  async ready() {
    try {
      await this.db.query('SELECT 1');
    } catch {
      throw HealthErrors.databaseDown();
    }
    if (await this.db.showMigrations()) {
      throw HealthErrors.migrationsPending();
    }
    return { status: 'ready', database: 'up', migrations: 'applied' };
  }
}
