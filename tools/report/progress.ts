/**
 * One progress line on a terminal while the plan's slow phases run (evaluating the program, which
 * bundles the Lambdas on a cold cache, and the policy pack). On anything but a TTY (CI logs, pipes,
 * files) it writes nothing, so the report and its exit code are all a machine reads.
 */
export type PlanPhase =
    "reading config" | "evaluating the program (bundles Lambdas when their sources changed)" | "running the policy pack" | "computing the access report";

interface ProgressStream {
    isTTY?: boolean;
    write(text: string): boolean;
}

export interface Progress {
    phase(name: PlanPhase): void;
    done(): void;
}

export function progressLine(stream: ProgressStream, now: () => number = Date.now): Progress | undefined {
    if (!stream.isTTY) return undefined;
    const started = now();
    const clear = "\r\x1b[2K";
    return {
        phase: name => {
            stream.write(`${clear}lakewarden plan: ${name}... ${((now() - started) / 1000).toFixed(1)}s`);
        },
        done: () => {
            stream.write(clear);
        },
    };
}
