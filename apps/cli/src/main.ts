import { Command } from 'commander';
import { registerAgencyCommands } from './commands/agency.ts';
import { registerAuditCommands } from './commands/audit.ts';
import { registerCardCommands } from './commands/card.ts';
import { registerDbCommands } from './commands/db.ts';
import { registerDevCommands } from './commands/dev.ts';
import { registerExchangeCommands } from './commands/exchange.ts';
import { registerIdCommands } from './commands/id.ts';
import { registerKeyCommands } from './commands/keys.ts';
import { registerOfficerCommands } from './commands/officer.ts';
import { registerPersonCommands } from './commands/person.ts';
import { registerRpCommands } from './commands/rp.ts';
import { registerSeedCommand } from './commands/seed.ts';
import { registerServeCommand } from './commands/serve.ts';
import { reportError } from './output.ts';

const program = new Command()
  .name('dinhdanh')
  .description(
    'dinhdanh — nền tảng dữ liệu dân cư và định danh điện tử / population data and digital identity platform',
  )
  .version('0.1.0')
  .showHelpAfterError();

registerServeCommand(program);
registerDbCommands(program);
registerSeedCommand(program);
registerPersonCommands(program);
registerIdCommands(program);
registerOfficerCommands(program);
registerAuditCommands(program);
registerKeyCommands(program);
registerDevCommands(program);
registerRpCommands(program);
registerCardCommands(program);
registerExchangeCommands(program);
registerAgencyCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  reportError(error);
}
