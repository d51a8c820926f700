/**
 * Browser addresses must not carry ID numbers, so the person page is reached through an
 * opaque reference: a random token that this tab maps to an ID number in memory. The
 * reference means nothing outside this tab and is forgotten at sign-out or reload.
 */
const refToId = new Map<string, string>();
const idToRef = new Map<string, string>();

export function refForPerson(idNumber: string): string {
  let ref = idToRef.get(idNumber);
  if (!ref) {
    ref = randomRef();
    idToRef.set(idNumber, ref);
    refToId.set(ref, idNumber);
  }
  return ref;
}

export function personForRef(ref: string | undefined): string | undefined {
  return ref === undefined ? undefined : refToId.get(ref);
}

export function forgetPersonRefs(): void {
  refToId.clear();
  idToRef.clear();
}

function randomRef(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
