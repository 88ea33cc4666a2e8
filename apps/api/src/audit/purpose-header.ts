import { ApiHeader } from '@nestjs/swagger';
import { MAX_PURPOSE_LENGTH, MIN_PURPOSE_LENGTH, PURPOSE_HEADER, PURPOSE_PARAMETER } from '@fristvagt/audit';

/** Documents the auditors' purpose header on an operation auditors use (the API key scheme explains it too). */
export const ApiAuditPurpose = () =>
  ApiHeader({
    name: PURPOSE_HEADER,
    required: false,
    description:
      `Auditor keys only, and required for them: why this read is made (${MIN_PURPOSE_LENGTH}-${MAX_PURPOSE_LENGTH} ` +
      `characters, percent-encoded UTF-8, never a CPR number); or the parameter \`${PURPOSE_PARAMETER}\`. Recorded ` +
      'in the access log with the read.',
    example: 'Ankestyrelsen j.nr. 26-0042',
  });
