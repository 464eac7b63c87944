import { Injectable } from '@nestjs/common';

/**
 * What time the jobs think it is. A provider of its own, so that tests (and an operator's
 * "run as if at" request) can move it without touching the system clock.
 */
export abstract class Clock {
  abstract now(): Date;
}

@Injectable()
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
