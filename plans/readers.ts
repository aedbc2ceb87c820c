/** Who lakewarden lets read each model database, from the grant plan the model implies (pure). */
import { accountsWithRole, type Environment } from "../config/environment";
import type { Readers } from "../lambdas/discovery-ropa/record";
import { consumerGrants, producerGrants, type GrantResource } from "./grant-plan";

function tableOf(resource: GrantResource): { database: string; table?: string } | undefined {
    switch (resource.kind) {
        case "database":
            return { database: resource.name };
        case "table":
        case "columns":
            return { database: resource.databaseName, table: resource.name };
        case "filter":
            return { database: resource.databaseName, table: resource.tableName };
    }
}

export function readersByDatabase(env: Environment): Readers {
    const readers: Readers = {};
    const consumers = accountsWithRole(env, "consumer");
    for (const producer of accountsWithRole(env, "producer")) {
        for (const grant of producerGrants(env, producer.name)) {
            const consumer = consumers.find(c => c.id === grant.principal);
            const target = tableOf(grant.resource);
            if (!consumer || !target?.table || !grant.permissions.includes("SELECT")) continue;
            const list = (readers[target.database] ??= []);
            let entry = list.find(r => r.accountId === consumer.id);
            if (!entry) list.push((entry = { account: consumer.name, accountId: consumer.id, tables: [], roles: [] }));
            if (!entry.tables.includes(target.table)) entry.tables.push(target.table);
        }
    }
    for (const consumer of consumers) {
        for (const grant of consumerGrants(env, consumer.name)) {
            const target = tableOf(grant.resource);
            if (!target?.table || !grant.permissions.includes("SELECT")) continue;
            const entry = readers[target.database]?.find(r => r.accountId === consumer.id);
            if (!entry) continue;
            let role = entry.roles.find(r => r.roleArn === grant.principal);
            if (!role) entry.roles.push((role = { roleArn: grant.principal, tables: [] }));
            if (!role.tables.includes(target.table)) role.tables.push(target.table);
        }
    }
    for (const list of Object.values(readers)) {
        list.sort((a, b) => a.accountId.localeCompare(b.accountId));
        for (const entry of list) {
            entry.tables.sort();
            entry.roles.sort((a, b) => a.roleArn.localeCompare(b.roleArn));
            entry.roles.forEach(r => r.tables.sort());
        }
    }
    return readers;
}
