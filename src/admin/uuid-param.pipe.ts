import { Injectable, PipeTransform } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { isUuid } from '../common/uuid';

/** A path id that is not a UUID is a 422 naming the parameter, not a 404 or a 500. */
@Injectable()
export class UuidParamPipe implements PipeTransform<string, string> {
  constructor(private readonly field = 'id') {}

  transform(value: string): string {
    if (!isUuid(value)) throw new AppError('validation_error', `Invalid ${this.field}: expected a UUID`, [{ field: this.field, message: 'must be a UUID' }]);
    return value;
  }
}
