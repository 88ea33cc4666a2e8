import { ApiProperty } from '@nestjs/swagger';
import type { Basis } from '@fristvagt/domain';
import { ReadModelStatusView } from '../../http/read-models';
import { BASES } from '../../rules/dto/rule-catalogue.dto';

/** How the obligations of one rule that fell due in one month stand now. */
export class ComplianceMonth {
  @ApiProperty({ description: 'YYYY-MM: the Copenhagen month of the due instant.', example: '2026-03' })
  month!: string;
  @ApiProperty({
    description: 'Obligations due in the month: the sum of the six counts that follow.',
    example: 12,
  })
  due!: number;
  @ApiProperty({ example: 8 })
  fulfilledOnTime!: number;
  @ApiProperty({ example: 2 })
  fulfilledLate!: number;
  @ApiProperty({
    description: 'Still open and past the due (breached, whether or not the breach has been recorded yet).',
    example: 1,
  })
  breachedOpen!: number;
  @ApiProperty({ description: 'Still open and not yet due.', example: 0 })
  openNotDue!: number;
  @ApiProperty({ example: 1 })
  waived!: number;
  @ApiProperty({ example: 0 })
  cancelled!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'fulfilledOnTime / (fulfilledOnTime + fulfilledLate + breachedOpen), rounded to three decimals; null when that is 0. Waived, cancelled and not yet due are not in it.',
    example: 0.727,
  })
  onTimeShare!: number | null;
}

export class ComplianceRule {
  @ApiProperty({ example: 'NSR-CONVENE' })
  ruleId!: string;
  @ApiProperty({
    description:
      'The rule catalogue’s variant whose title, basis and citation are given: the one in effect at the end of the window (else the latest before it).',
    example: 'barnets-lov',
  })
  variant!: string;
  @ApiProperty({
    example:
      'Convene a network council (netværkssamråd) no later than 7 days after receiving police documentation',
  })
  title!: string;
  @ApiProperty({ enum: BASES, example: 'statute' })
  basis!: Basis;
  @ApiProperty({
    example: 'Barnets lov, chapter on young offenders (netværkssamråd); section number to verify',
  })
  citation!: string;
  @ApiProperty({ description: 'False where the citation is still to verify.', example: false })
  citationVerified!: boolean;
  @ApiProperty({
    type: [ComplianceMonth],
    description: 'Every month from `from` to `to`, in order, with zeros where nothing fell due.',
  })
  months!: ComplianceMonth[];
}

export class ConvocationBinView {
  @ApiProperty({ example: '0-7' })
  label!: string;
  @ApiProperty({ example: 0 })
  minDays!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Inclusive; null: no upper bound.', example: 7 })
  maxDays!: number | null;
  @ApiProperty({ example: 5 })
  count!: number;
}

/** Days from police notification to convocation of the network council, in seed 003's bins. */
export class NetworkCouncilConvocation {
  @ApiProperty({ example: 'NSR-CONVENE' })
  ruleId!: string;
  @ApiProperty({
    type: [ConvocationBinView],
    description:
      'Convened councils by Copenhagen calendar days from the date the police documentation was received (day 0) to the date the invitation was sent: 0-7, 8-14, 15-21, 22-28, 29-35, over 35.',
  })
  bins!: ConvocationBinView[];
  @ApiProperty({ description: 'Not convened yet (the obligation is open, breached or not).', example: 2 })
  notConvened!: number;
  @ApiProperty({ description: 'The bins and notConvened together.', example: 25 })
  total!: number;
  @ApiProperty({
    description: 'Not in total: assessed as not in the target group, or superseded.',
    example: 1,
  })
  cancelled!: number;
  @ApiProperty({ description: 'Not in total: waived by a supervisor.', example: 0 })
  waived!: number;
}

export class ComplianceReport {
  @ApiProperty({
    type: ReadModelStatusView,
    description:
      'How far the obligations read model has read the log, as `readModel` of GET /v1/obligations.',
  })
  checkpoint!: ReadModelStatusView;
  @ApiProperty({ example: '2026-01' })
  from!: string;
  @ApiProperty({ example: '2026-12' })
  to!: string;
  @ApiProperty({
    type: [String],
    description:
      "The municipalities counted: those asked for, else the key's; for a key of every municipality asked for none, those with figures in the window.",
    example: ['461'],
  })
  municipalities!: string[];
  @ApiProperty({
    type: [ComplianceRule],
    description:
      'In the order of the rule catalogue: each rule with an obligation due in the window (or `ruleId`).',
  })
  rules!: ComplianceRule[];
  @ApiProperty({
    type: NetworkCouncilConvocation,
    description:
      'NSR-CONVENE obligations whose police documentation was received within the window (Copenhagen months).',
  })
  networkCouncilConvocation!: NetworkCouncilConvocation;
}
