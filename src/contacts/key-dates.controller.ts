import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { UpcomingKeyDatesDto, UpcomingKeyDatesQueryDto } from './dto/key-date.dto.js';
import { KeyDatesService } from './key-dates.service.js';

@ApiTags('contacts')
@Controller('key-dates')
export class KeyDatesController {
  constructor(private readonly keyDates: KeyDatesService) {}

  /**
   * Contacts' key dates (birthdays, anniversaries, …) coming up within `withinDays` days (1–366, default 14; today,
   * UTC, included), soonest first, in pages (`limit`, `cursor`); 29 February falls on 28 February in other years.
   * Archived, erased and merged contacts are left out.
   */
  @Get()
  @Access('staff', 'compliance')
  @ApiOkResponse({ type: UpcomingKeyDatesDto })
  upcoming(@Query() q: UpcomingKeyDatesQueryDto): Promise<UpcomingKeyDatesDto> {
    return this.keyDates.upcoming(q);
  }
}
