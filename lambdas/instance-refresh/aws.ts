import {
    ActiveInstanceRefreshNotFoundFault,
    AutoScalingClient,
    type InstanceRefresh,
    paginateDescribeInstanceRefreshes,
    DescribeInstanceRefreshesCommand,
    RollbackInstanceRefreshCommand,
    StartInstanceRefreshCommand,
} from "@aws-sdk/client-auto-scaling";
import { RETRY } from "../fleet-discovery/aws";
import type { RefreshPort } from "./actions";

/** The only module of this step that talks to AWS. Writes: StartInstanceRefresh, RollbackInstanceRefresh. */

export function createRefreshClient(): AutoScalingClient {
    return new AutoScalingClient(RETRY);
}

export function refreshPort(autoScaling: AutoScalingClient): RefreshPort {
    return {
        async listRefreshes(autoScalingGroupName) {
            const refreshes: InstanceRefresh[] = [];
            for await (const page of paginateDescribeInstanceRefreshes({ client: autoScaling }, { AutoScalingGroupName: autoScalingGroupName })) {
                refreshes.push(...(page.InstanceRefreshes ?? []));
            }
            return refreshes;
        },
        async describeRefresh(autoScalingGroupName, instanceRefreshId) {
            const { InstanceRefreshes: found = [] } = await autoScaling.send(
                new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: autoScalingGroupName, InstanceRefreshIds: [instanceRefreshId] }),
            );
            return found.find(refresh => refresh.InstanceRefreshId === instanceRefreshId);
        },
        async startRefresh(input) {
            const { InstanceRefreshId: id } = await autoScaling.send(new StartInstanceRefreshCommand(input));
            if (id === undefined) throw new Error(`StartInstanceRefresh on ${input.AutoScalingGroupName} returned no id`);
            return id;
        },
        async rollbackRefresh(autoScalingGroupName) {
            try {
                const { InstanceRefreshId: id } = await autoScaling.send(new RollbackInstanceRefreshCommand({ AutoScalingGroupName: autoScalingGroupName }));
                return id;
            } catch (error) {
                // The deserialiser raises the modelled fault class (name "ActiveInstanceRefreshNotFoundFault"): nothing left to roll back.
                if (error instanceof ActiveInstanceRefreshNotFoundFault) return undefined;
                throw error;
            }
        },
    };
}
