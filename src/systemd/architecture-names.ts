/**
 * systemd's `SystemCallArchitectures=` names (libseccomp's `seccomp_arch_from_string()`) and
 * the ABI each stands for in our syscall tables.
 */
const ABI_BY_SYSTEMD_ARCHITECTURE: ReadonlyMap<string, string> = new Map([
  ['x86', 'i386'],
  ['x86-64', 'x86_64'],
  ['x32', 'x32'],
  ['arm', 'arm'],
  ['arm64', 'aarch64'],
  ['mips', 'mips'],
  ['mips64', 'mips64'],
  ['mips64-n32', 'mipsn32'],
  ['mips-le', 'mipsel'],
  ['mips64-le', 'mips64el'],
  ['mips64-le-n32', 'mipsn32el'],
  ['ppc', 'ppc'],
  ['ppc64', 'ppc64'],
  ['ppc64-le', 'ppc64le'],
  ['s390', 's390'],
  ['s390x', 's390x'],
  ['riscv64', 'riscv64'],
  ['loongarch64', 'loongarch64'],
  ['parisc', 'parisc'],
  ['parisc64', 'parisc64'],
]);

export function abiOfSystemdArchitecture(name: string): string | null {
  return ABI_BY_SYSTEMD_ARCHITECTURE.get(name) ?? null;
}

export function systemdArchitectureOfAbi(abi: string): string | null {
  for (const [name, candidate] of ABI_BY_SYSTEMD_ARCHITECTURE) if (candidate === abi) return name;
  return null;
}

/** The ABIs a `SystemCallArchitectures=` set admits: the native one always, and each listed. */
export function admittedAbis(architectures: Set<string>, nativeAbi: string): Set<string> {
  const admitted = new Set([nativeAbi]);
  for (const name of architectures) {
    const abi = name === 'native' ? nativeAbi : abiOfSystemdArchitecture(name);
    if (abi) admitted.add(abi);
  }
  return admitted;
}
