import type { Command } from 'commander';

/** `dinhdanh card pki …` and `dinhdanh card issue …` (card issuance). */
export function registerCardIssueCommands(_card: Command): void {}
