import {
    BatchGrantPermissionsCommand,
    BatchRevokePermissionsCommand,
    CreateDataCellsFilterCommand,
    DeleteDataCellsFilterCommand,
    LakeFormationClient,
    ListDataCellsFilterCommand,
    ListPermissionsCommand,
    UpdateDataCellsFilterCommand,
} from "@aws-sdk/client-lakeformation";
import { ListAccountsForParentCommand, ListOrganizationalUnitsForParentCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { providerSts } from "../provider-sts";
import { FakeLakeFormation } from "./fake-lake-formation";
import { FakeOrganization } from "./fake-organizations";

/**
 * Organizations, Lake Formation, SSM and STS behind aws-sdk-client-mock, answered by the stateful fakes.
 * Every call is logged; faults (throttling, access denied, ...) and per-call latency can be injected.
 */

export const WRITE_COMMANDS = [
    "CreateDataCellsFilter",
    "UpdateDataCellsFilter",
    "DeleteDataCellsFilter",
    "BatchGrantPermissions",
    "BatchRevokePermissions",
] as const;

export interface Fault {
    command: string;
    error: () => Error;
    /** How many calls fail; unlimited when absent. */
    times?: number;
    when?: (input: Record<string, unknown>) => boolean;
}

/** What the fake needs of any aws-sdk-client-mock stub, whatever client it mocks. */
interface MockedClient {
    restore(): void;
    calls(): { args: unknown[] }[];
}

export interface LoggedCall {
    command: string;
    input: Record<string, unknown>;
}

export class FakeAws {
    readonly org = new FakeOrganization();
    readonly lakeFormation = new FakeLakeFormation();
    readonly faults: Fault[] = [];
    readonly log: LoggedCall[] = [];
    latencyMs = 0;
    /** Most write calls ever in flight at once. */
    peakConcurrentWrites = 0;
    private writesInFlight = 0;
    mappingDocument: unknown = { version: 1, mappings: [] };
    private readonly stubs: MockedClient[] = [];

    install(): this {
        const org = this.org;
        const lf = this.lakeFormation;
        const organizations = this.stub(mockClient(OrganizationsClient));
        organizations
            .on(ListOrganizationalUnitsForParentCommand)
            .callsFake(this.handle("ListOrganizationalUnitsForParent", i => org.listOrganizationalUnitsForParent(i)));
        organizations.on(ListAccountsForParentCommand).callsFake(this.handle("ListAccountsForParent", i => org.listAccountsForParent(i)));
        const lakeFormation = this.stub(mockClient(LakeFormationClient));
        lakeFormation.on(ListDataCellsFilterCommand).callsFake(this.handle("ListDataCellsFilter", i => lf.listDataCellsFilter(i)));
        lakeFormation.on(ListPermissionsCommand).callsFake(this.handle("ListPermissions", i => lf.listPermissions(i)));
        lakeFormation.on(CreateDataCellsFilterCommand).callsFake(this.handle("CreateDataCellsFilter", i => lf.createDataCellsFilter(i.TableData)));
        lakeFormation.on(UpdateDataCellsFilterCommand).callsFake(this.handle("UpdateDataCellsFilter", i => lf.updateDataCellsFilter(i.TableData)));
        lakeFormation.on(DeleteDataCellsFilterCommand).callsFake(this.handle("DeleteDataCellsFilter", i => lf.deleteDataCellsFilter(i)));
        lakeFormation.on(BatchGrantPermissionsCommand).callsFake(this.handle("BatchGrantPermissions", i => lf.batchGrantPermissions(i)));
        lakeFormation.on(BatchRevokePermissionsCommand).callsFake(this.handle("BatchRevokePermissions", i => lf.batchRevokePermissions(i)));
        const ssm = this.stub(mockClient(SSMClient));
        ssm.on(GetParameterCommand).callsFake(
            this.handle("GetParameter", () => ({
                Parameter: { Value: typeof this.mappingDocument === "string" ? this.mappingDocument : JSON.stringify(this.mappingDocument) },
            })),
        );
        const sts = this.stub(mockClient(providerSts.STSClient));
        sts.on(providerSts.AssumeRoleCommand).callsFake(
            this.handle("AssumeRole", () => ({
                Credentials: { AccessKeyId: "ASIAFAKE", SecretAccessKey: "secret", SessionToken: "token", Expiration: new Date(Date.now() + 3_600_000) },
            })),
        );
        return this;
    }

    restore(): void {
        this.stubs.forEach(stub => stub.restore());
    }

    count(command: string): number {
        return this.log.filter(call => call.command === command).length;
    }

    writes(): LoggedCall[] {
        return this.log.filter(call => (WRITE_COMMANDS as readonly string[]).includes(call.command));
    }

    /** Commands the code sent that the fake does not answer (tag reads, describes, ...). */
    unexpectedCommands(): string[] {
        const handled = new Set(this.log.map(call => `${call.command}Command`));
        return this.stubs.flatMap(stub => stub.calls().map(call => (call.args[0] as object).constructor.name)).filter(name => !handled.has(name));
    }

    clearLog(): void {
        this.log.length = 0;
    }

    private stub<T>(stub: T): T {
        this.stubs.push(stub as unknown as MockedClient);
        return stub;
    }

    // The fakes take the SDK's input types; the mock hands inputs over untyped.
    private handle(command: string, answer: (input: any) => unknown): (input: Record<string, unknown>) => Promise<unknown> {
        const isWrite = (WRITE_COMMANDS as readonly string[]).includes(command);
        return async input => {
            this.log.push({ command, input: structuredClone(input) });
            if (isWrite) {
                this.writesInFlight += 1;
                this.peakConcurrentWrites = Math.max(this.peakConcurrentWrites, this.writesInFlight);
            }
            try {
                if (this.latencyMs > 0) await new Promise(resolve => setTimeout(resolve, this.latencyMs));
                const fault = this.faults.find(f => f.command === command && (f.times ?? 1) > 0 && (f.when?.(input) ?? true));
                if (fault !== undefined) {
                    if (fault.times !== undefined) fault.times -= 1;
                    throw fault.error();
                }
                return { $metadata: {}, ...(answer(input) ?? {}) };
            } finally {
                if (isWrite) this.writesInFlight -= 1;
            }
        };
    }
}
