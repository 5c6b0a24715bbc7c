import { ValidateBy, ValidationArguments } from 'class-validator';

/** The most JSON a call's metadata may hold: it is stored with the call's record, and a gateway's log must not carry megabytes per row. */
export const MAX_CALL_METADATA_CHARS = 16_384;

/** Why a call's metadata is refused, or undefined when it fits. */
export function callMetadataProblem(metadata: object): string | undefined {
  const length = JSON.stringify(metadata).length;
  return length > MAX_CALL_METADATA_CHARS ? `at most ${MAX_CALL_METADATA_CHARS} characters of JSON (got ${length})` : undefined;
}

/** class-validator's form of callMetadataProblem, for the DTO-validated routes. */
export function FitsCallMetadata(): PropertyDecorator {
  return ValidateBy({
    name: 'fitsCallMetadata',
    validator: {
      validate: (value: unknown) => typeof value !== 'object' || value === null || callMetadataProblem(value) === undefined,
      defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'metadata'} ${callMetadataProblem(args?.value as object) ?? 'is not valid'}`,
    },
  });
}
