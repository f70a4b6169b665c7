// Types of write-whole.mjs for the TypeScript tools that import it.
export const EXIT_DISK_FULL: number;
export function writeWhole(file: string, text: string): void;
