import { errorCatalogue } from '@dinhdanh/kernel';
import { decodeIdNumber, type IdNumberProblem } from '@dinhdanh/registry';
import type { Command } from 'commander';
import { printJson } from '../output.ts';

/** The decoder's reasons, for the Vietnamese half of the message (its own message is English). */
const problemInVietnamese: Record<IdNumberProblem['reason'], string> = {
  not_a_string: 'Giá trị không phải là chuỗi số.',
  wrong_length: 'Số định danh phải có đúng 12 chữ số.',
  not_digits: 'Số định danh chỉ gồm chữ số.',
  unknown_province: 'Ba chữ số đầu không phải mã tỉnh (hoặc mã quốc gia) nơi đăng ký khai sinh.',
  birth_year_in_future: 'Năm sinh suy ra từ số định danh nằm trong tương lai.',
};

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
        const { vi, en } = errorCatalogue.ERR_ID_NUMBER_INVALID;
        process.stderr.write(
          `ERR_ID_NUMBER_INVALID: ${vi} ${problemInVietnamese[result.problem.reason]}\n` +
            `  ${en} ${result.problem.message} (${result.problem.reason})\n`,
        );
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
