/** Node's `process.arch` → our ABI name, for records that do not say their ABI. */
const ABI_BY_NODE_ARCH: Record<string, string> = {
  x64: 'x86_64',
  ia32: 'i386',
  arm64: 'aarch64',
  arm: 'arm',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loongarch64',
  mips: 'mips',
  mipsel: 'mipsel',
};

export function hostAbi(nodeArch: string): string {
  return ABI_BY_NODE_ARCH[nodeArch] ?? 'x86_64';
}
