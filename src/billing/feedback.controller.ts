import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ClientAuth } from '../common/auth.decorators';
import { Caller, CurrentCaller } from '../common/caller';
import { FeedbackCreateDto, FeedbackResponseDto } from './dto/billing.dto';
import { FeedbackService } from './feedback.service';

@ApiTags('generations')
@ClientAuth()
@Controller('api/v1/generations')
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  @Post(':request_id/feedback')
  @HttpCode(200)
  @ApiOkResponse({ type: FeedbackResponseDto })
  @ApiNotFoundResponse({ description: 'not one of the caller\'s generations' })
  submitGenerationFeedback(
    @CurrentCaller() caller: Caller,
    @Param('request_id') requestId: string,
    @Body() dto: FeedbackCreateDto,
  ): Promise<FeedbackResponseDto> {
    return this.feedback.submit(caller.clientId, requestId, dto);
  }
}
