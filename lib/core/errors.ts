// Errors a user or a rig can cause. Each carries data and maps to an exit code, so the CLI prints one
// line and CI can tell a broker regression (1, 3) from a broken rig (2).

export const EXIT = {
  ok: 0,
  conformanceFailures: 1,
  badInputOrRig: 2,
  thresholds: 3,
  interrupted: 130,
} as const;

export class HarnessError extends Error {
  readonly exitCode: number = EXIT.badInputOrRig;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A flag, profile or file the user gave is wrong. */
export class UsageError extends HarnessError {}

export class UnknownTargetError extends UsageError {
  constructor(readonly target: string, readonly known: readonly string[]) {
    super(`unknown target "${target}"; known targets: ${known.join(', ')}`);
  }
}

/** `--target <name>@<version>` names a version this machine cannot run. */
export class UnknownVersionError extends UsageError {
  constructor(readonly target: string, readonly version: string, readonly available: string) {
    super(available
      ? `--target ${target}@${version}: version ${version} cannot be had here; ${target} versions: ${available}`
      : `--target ${target}@${version}: no versions of ${target} can be picked here (no Debian package on this host, no .ci/trixie/${target}.recipe); use --target ${target}`);
  }
}

export class ProfileError extends UsageError {
  constructor(readonly file: string, readonly field: string, readonly problem: string) {
    super(`profile ${file}: ${field} ${problem}`);
  }
}

export class MissingBinaryError extends HarnessError {
  constructor(readonly target: string, readonly binary: string, readonly fix: string) {
    super(`${target}: "${binary}" is not on PATH; ${fix}`);
  }
}

export class EngineUnavailableError extends HarnessError {
  constructor(readonly detail: string) {
    super(`no container engine answers (${detail}); start one and set DOCKER_HOST (e.g. podman system service), or use --driver local`);
  }
}

export class BrokerStartError extends HarnessError {
  constructor(readonly target: string, message: string, readonly log: string = '') {
    super(`${target}: ${message}`);
  }
}

/** A broker the harness does not start (--profile) could not be reached: the rig's problem, not a verdict. */
export class UnreachableBrokerError extends HarnessError {
  constructor(readonly target: string, readonly listener: string, readonly url: string, readonly problem: string) {
    super(`${target}: listener ${listener} (${url}) is not reachable: ${problem}; check the address in the profile and that the broker runs`);
  }
}
