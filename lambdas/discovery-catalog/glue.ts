/**
 * Get-or-create-or-update of each Glue resource: a resource that exists is brought to the plan, one
 * created meanwhile by another run (AlreadyExistsException) is updated instead, so no source ever sticks.
 */
import {
    AlreadyExistsException,
    CreateConnectionCommand,
    CreateCrawlerCommand,
    CreateDatabaseCommand,
    CreateJobCommand,
    CreateTriggerCommand,
    CreateWorkflowCommand,
    DeleteCrawlerCommand,
    DeleteJobCommand,
    DeleteTriggerCommand,
    DeleteWorkflowCommand,
    EntityNotFoundException,
    GetConnectionCommand,
    GetCrawlerCommand,
    GetDatabaseCommand,
    GetJobCommand,
    GetTriggerCommand,
    GetWorkflowCommand,
    type GlueClient,
    UpdateConnectionCommand,
    UpdateCrawlerCommand,
    UpdateDatabaseCommand,
    UpdateJobCommand,
    UpdateTriggerCommand,
    UpdateWorkflowCommand,
} from "@aws-sdk/client-glue";
import { GrantPermissionsCommand, type LakeFormationClient } from "@aws-sdk/client-lakeformation";
import type { CatalogPlan } from "./plan";

export type EnsureOutcome = "created" | "updated";

async function exists(get: () => Promise<unknown>): Promise<boolean> {
    try {
        await get();
        return true;
    } catch (error) {
        if (error instanceof EntityNotFoundException) return false;
        throw error;
    }
}

async function ensure(get: () => Promise<unknown>, create: () => Promise<unknown>, update: () => Promise<unknown>): Promise<EnsureOutcome> {
    if (await exists(get)) {
        await update();
        return "updated";
    }
    try {
        await create();
        return "created";
    } catch (error) {
        if (!(error instanceof AlreadyExistsException)) throw error;
        await update();
        return "updated";
    }
}

/** Applies a plan in dependency order; returns what was created or updated, by name. */
export async function applyPlan(glue: GlueClient, lakeFormation: LakeFormationClient, plan: CatalogPlan): Promise<Record<string, EnsureOutcome>> {
    const done: Record<string, EnsureOutcome> = {};
    const db = plan.database;
    done[db.Name!] = await ensure(
        () => glue.send(new GetDatabaseCommand({ Name: db.Name })),
        () => glue.send(new CreateDatabaseCommand({ DatabaseInput: db })),
        () => glue.send(new UpdateDatabaseCommand({ Name: db.Name, DatabaseInput: db })),
    );
    for (const grant of plan.grants) await lakeFormation.send(new GrantPermissionsCommand(grant));
    const connection = plan.connection;
    if (connection) {
        done[connection.Name!] = await ensure(
            () => glue.send(new GetConnectionCommand({ Name: connection.Name, HidePassword: true })),
            () => glue.send(new CreateConnectionCommand({ ConnectionInput: connection })),
            () => glue.send(new UpdateConnectionCommand({ Name: connection.Name, ConnectionInput: connection })),
        );
    }
    for (const crawler of plan.crawlers) {
        done[crawler.Name!] = await ensure(
            () => glue.send(new GetCrawlerCommand({ Name: crawler.Name })),
            () => glue.send(new CreateCrawlerCommand(crawler)),
            () => glue.send(new UpdateCrawlerCommand(crawler)),
        );
    }
    const { Name: jobName, ...jobUpdate } = plan.job;
    done[jobName!] = await ensure(
        () => glue.send(new GetJobCommand({ JobName: jobName })),
        () => glue.send(new CreateJobCommand(plan.job)),
        () => glue.send(new UpdateJobCommand({ JobName: jobName, JobUpdate: jobUpdate })),
    );
    done[plan.workflow.Name] = await ensure(
        () => glue.send(new GetWorkflowCommand({ Name: plan.workflow.Name })),
        () => glue.send(new CreateWorkflowCommand(plan.workflow)),
        () => glue.send(new UpdateWorkflowCommand(plan.workflow)),
    );
    for (const trigger of plan.triggers) {
        done[trigger.Name!] = await ensure(
            () => glue.send(new GetTriggerCommand({ Name: trigger.Name })),
            () => glue.send(new CreateTriggerCommand(trigger)),
            () =>
                glue.send(
                    new UpdateTriggerCommand({
                        Name: trigger.Name,
                        TriggerUpdate: { Schedule: trigger.Schedule, Actions: trigger.Actions, Predicate: trigger.Predicate, Description: trigger.Description },
                    }),
                ),
        );
    }
    return done;
}

/**
 * A retired source: what would run against a store that is gone (triggers, workflow, job, crawlers) is
 * removed; the database and its tables stay (catalog history, the art. 30 record). Missing is fine.
 */
export async function removeRunners(glue: GlueClient, names: { triggers: string[]; workflow: string; job: string; crawlers: string[] }): Promise<void> {
    const gone = async (call: () => Promise<unknown>) => {
        try {
            await call();
        } catch (error) {
            if (!(error instanceof EntityNotFoundException)) throw error;
        }
    };
    for (const name of names.triggers) await gone(() => glue.send(new DeleteTriggerCommand({ Name: name })));
    await gone(() => glue.send(new DeleteWorkflowCommand({ Name: names.workflow })));
    await gone(() => glue.send(new DeleteJobCommand({ JobName: names.job })));
    for (const name of names.crawlers) await gone(() => glue.send(new DeleteCrawlerCommand({ Name: name })));
}
