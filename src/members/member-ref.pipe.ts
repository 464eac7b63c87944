import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { validationFailed } from '../common/errors/domain-error.js';

/** A member reference in a path: our id or the brand's externalId (1–200 printable characters). */
@Injectable()
export class MemberRefPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (typeof value !== 'string' || value.length === 0 || value.length > 200 || !/^[\x21-\x7e]+$/.test(value)) {
      throw validationFailed([{ path: metadata.data ?? 'id', message: 'must be 1-200 printable characters' }]);
    }
    return value;
  }
}
