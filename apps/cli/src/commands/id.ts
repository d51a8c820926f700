import { decodeIdNumber } from '@dinhdanh/registry';
import type { Command } from 'commander';
import { printJson } from '../output.ts';

export function registerIdCommands(program: Command): void {
  program
    .command('id')
    .description('Personal identification numbers')
    .command('decode <idNumber>')
    .description('Decode and validate a 12-digit ID number (exit 1 with the reason when invalid)')
    .option('--json', 'print JSON')
    .action((idNumber: string, options: { json?: boolean }) => {
      const result = decodeIdNumber(idNumber);
      if (!result.ok) {
        if (options.json)
          printJson({ valid: false, reason: result.problem.reason, message: result.problem.message });
        process.stderr.write(`ERR_ID_NUMBER_INVALID: ${result.problem.reason}: ${result.problem.message}\n`);
        process.exitCode = 1;
        return;
      }
      const { value } = result;
      if (options.json) {
        printJson({
          valid: true,
          idNumber: value.idNumber,
          provinceCode: value.provinceCode,
          provinceName: value.provinceName,
          registeredAbroad: value.registeredAbroad,
          sex: value.sex,
          birthYear: value.birthYear,
          serial: value.serial,
        });
        return;
      }
      process.stdout.write(
        `${value.idNumber}: ${value.sex === 'male' ? 'Nam / male' : 'Nữ / female'}, sinh năm / born ${value.birthYear}, ` +
          `${value.registeredAbroad ? `đăng ký khai sinh ở nước ngoài (mã ${value.provinceCode}) / registered abroad` : `đăng ký khai sinh tại / registered in ${value.provinceName} (${value.provinceCode})`}\n`,
      );
    });
}
