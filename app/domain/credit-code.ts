// 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-symbol alphabet, the last a check character
// computed from the first 17 with the weights 3^i mod 31.
const ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function creditCodeCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = ALPHABET.indexOf(first17[i]);
    if (v < 0) return null;
    sum += v * WEIGHTS[i];
  }
  return ALPHABET[(31 - (sum % 31)) % 31];
}

export function isValidCreditCode(code: string): boolean {
  const c = code.trim().toUpperCase();
  return c.length === 18 && creditCodeCheckChar(c.slice(0, 17)) === c[17];
}
