import { Injectable } from '@nestjs/common';

/** The clock the retention rule reads (the list, the run, the daily job). Tests replace `now` with a fixed one. */
@Injectable()
export class RetentionClock {
  now(): Date {
    return new Date();
  }
}
