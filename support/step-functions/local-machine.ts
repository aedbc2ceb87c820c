/**
 * One aws-local-stepfunctions StateMachine per definition. Its constructor validates the definition
 * with asl-validator, which compiles the ASL JSON schemas with ajv on every call: that was ~18 s of
 * the local-execution specs' CPU, one compile per world and run. A StateMachine keeps nothing
 * between runs (each run makes its own abort controller and event log; overrides and context come
 * with the run), so every run of the same definition can use the same one. The definition is
 * copied first, so a caller that edits its own object later gets a new machine, not a stale one.
 */
import { StateMachine } from "aws-local-stepfunctions";
import type { StateMachineDefinition } from "../../workflows/asl";

type ValidationOptions = NonNullable<ConstructorParameters<typeof StateMachine>[1]>["validationOptions"];

const machines = new Map<string, StateMachine>();

export function localStateMachine(definition: StateMachineDefinition, validationOptions?: ValidationOptions): StateMachine {
    const key = JSON.stringify([definition, validationOptions ?? null]);
    let machine = machines.get(key);
    if (!machine) {
        const [copied] = JSON.parse(key) as [StateMachineDefinition];
        machine = new StateMachine(copied as never, validationOptions ? { validationOptions } : undefined);
        machines.set(key, machine);
    }
    return machine;
}
