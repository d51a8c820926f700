import type { Command } from 'commander';
import { registerCardIssueCommands } from './card-issue.ts';

/** `dinhdanh card …`: chip ID cards (ICAO 9303). Verification here; PKI and issuance in card-issue.ts. */
export function registerCardCommands(program: Command): void {
  const card = program.command('card').description('Chip ID cards (ICAO 9303): PKI, issuance, verification');
  registerCardIssueCommands(card);
}
