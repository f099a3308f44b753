/** What other folders may use of follow-ups (interactions embeds follow-ups in its answers and writes them). */
export { FollowUpResponseDto } from './dto/follow-up.response.dto.js';
export { mayReadNote } from './follow-up.mapper.js';
export { FollowUpsModule } from './follow-ups.module.js';
export { FollowUpsRepository } from './follow-ups.repository.js';
export { exportedInteractionIds } from './follow-ups.query.js';
export { FollowUpsService, type NewFollowUp } from './follow-ups.service.js';
