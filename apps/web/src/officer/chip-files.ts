/** What a chip reader dumps: EF_SOD.bin, EF_COM.bin, EF_DG1.bin … (also "EF.DG1", "DG1.bin", "SOD"). */
export interface ChipUpload {
  sod: string;
  dataGroups: Record<string, string>;
}

const namePattern = /(?:^|[_.\s-])(SOD|COM|DG(\d{1,2}))(?:\.bin)?$/i;

function base64Of(file: File): Promise<string> {
  return file.arrayBuffer().then((buffer) => {
    const bytes = new Uint8Array(buffer);
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000)
      binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  });
}

/** The kind of chip file a name stands for, or undefined for any other file. */
export function chipFileKind(name: string): 'sod' | 'com' | number | undefined {
  const match = namePattern.exec(name.replace(/\.bin$/i, '.bin'));
  if (!match) return undefined;
  if (match[1]?.toUpperCase() === 'SOD') return 'sod';
  if (match[1]?.toUpperCase() === 'COM') return 'com';
  const dg = Number(match[2]);
  return dg >= 1 && dg <= 16 ? dg : undefined;
}

/**
 * Reads the chosen files into the request shape; `undefined` when EF.SOD is missing or no data
 * group is among them. EF.COM and other files are ignored (the SOD lists the data groups).
 */
export async function readChipFiles(files: readonly File[]): Promise<ChipUpload | undefined> {
  let sod: string | undefined;
  const dataGroups: Record<string, string> = {};
  for (const file of files) {
    const kind = chipFileKind(file.name);
    if (kind === 'sod') sod = await base64Of(file);
    else if (typeof kind === 'number') dataGroups[String(kind)] = await base64Of(file);
  }
  if (!sod || Object.keys(dataGroups).length === 0) return undefined;
  return { sod, dataGroups };
}

/** Saves a base64 file from the API as a download (memory only, never stored). */
export function downloadBase64(name: string, base64: string): void {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
