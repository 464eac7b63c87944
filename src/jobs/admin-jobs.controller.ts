import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '../common/auth/admin.guard.js';
import { JobRunListQuery, JobRunPageView, JobRunView, RunJobDto } from './dto/job-run.dto.js';
import { runAsOf } from './dto/run-job-body.js';
import { JobsService } from './jobs.service.js';

@ApiTags('admin')
@ApiBearerAuth('adminToken')
@UseGuards(AdminGuard)
@Controller('v1/admin/jobs')
export class AdminJobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get()
  @ApiOperation({ summary: 'Runs of the scheduled jobs, newest first; cursor-paginated' })
  @ApiOkResponse({ type: JobRunPageView })
  list(@Query() q: JobRunListQuery): Promise<JobRunPageView> {
    return this.jobs.list(q);
  }

  @Post(':name/run')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run a job now (mature-points, retention-scan), optionally as if at another time; answers the run record',
  })
  @ApiBody({ type: RunJobDto, required: false })
  @ApiOkResponse({
    type: JobRunView,
    description: 'The run: ok, failed (with the error), or skipped when another instance holds the job',
  })
  @ApiNotFoundResponse({ description: 'No job by that name' })
  run(@Param('name') name: string, @Body() body: unknown): Promise<JobRunView> {
    return this.jobs.run(name, runAsOf(body));
  }
}
