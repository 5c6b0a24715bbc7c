import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { ClientAuth } from '../common/auth.decorators';
import { Caller, CurrentCaller } from '../common/caller';
import { FeedbackCreateDto, FeedbackResponseDto } from './dto/billing.dto';
import { FeedbackService } from './feedback.service';

@ApiTags('feedback')
@ClientAuth()
@Controller('api/v1/generations')
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  @Post(':request_id/feedback')
  @HttpCode(200)
  @ApiOkResponse({ type: FeedbackResponseDto })
  @ApiNotFoundResponse({ description: "not one of the caller's generations" })
  @ApiOperation({
    summary: 'Report on a generation',
    description:
      'Whether one of the caller’s generations served its purpose (`success`, optional `score` and `comment`). Feeds the success rate of the ' +
      'template version that produced it. Sending again replaces the earlier feedback.',
  })
  @ApiErrors({ not_found: 'not one of the caller’s generations' })
  submitGenerationFeedback(
    @CurrentCaller() caller: Caller,
    @Param('request_id') requestId: string,
    @Body() dto: FeedbackCreateDto,
  ): Promise<FeedbackResponseDto> {
    return this.feedback.submit(caller.clientId, requestId, dto);
  }
}
