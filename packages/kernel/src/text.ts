/**
 * Folds Vietnamese text for matching: lower case, diacritics removed (đ → d),
 * whitespace collapsed. "Nguyễn  Văn A" and "nguyen van a" fold to the same key.
 */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Normalises a display name: NFC, single spaces, trimmed. Keeps case and diacritics. */
export function normaliseName(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}
