/**
 * What a JDBC connection to an Aurora/RDS cluster needs: endpoint, database, the cluster's VPC subnet
 * and security groups, and its Secrets Manager credentials, which must be under a customer key.
 */
import { DescribeDBClustersCommand, DescribeDBSubnetGroupsCommand, type RDSClient } from "@aws-sdk/client-rds";
import { DescribeSecretCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

export interface ClusterConnection {
    jdbcUrl: string;
    database: string;
    secretArn: string;
    subnetId: string;
    availabilityZone: string;
    securityGroupIds: string[];
}

/** A cluster that cannot be catalogued as it is (the reason is recorded on the source). */
export class SourceBlocked extends Error {
    override name = "SourceBlocked";
}

const JDBC_SCHEMES: Record<string, string> = { "aurora-postgresql": "postgresql", postgres: "postgresql", "aurora-mysql": "mysql", mysql: "mysql" };

export async function clusterConnection(rds: RDSClient, secrets: SecretsManagerClient, clusterId: string): Promise<ClusterConnection> {
    const out = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }));
    const cluster = out.DBClusters?.[0];
    if (!cluster) throw new SourceBlocked(`cluster ${clusterId} not found`);
    const scheme = JDBC_SCHEMES[cluster.Engine ?? ""];
    if (!scheme) throw new SourceBlocked(`engine ${cluster.Engine} has no Glue JDBC crawler support here`);
    if (!cluster.DatabaseName) throw new SourceBlocked(`cluster ${clusterId} has no initial database name to crawl`);
    const secretArn = cluster.MasterUserSecret?.SecretArn;
    if (!secretArn) throw new SourceBlocked(`cluster ${clusterId} has no Secrets Manager managed master secret (ManageMasterUserPassword)`);
    // DescribeSecret omits KmsKeyId when the secret uses the AWS managed key aws/secretsmanager.
    const secret = await secrets.send(new DescribeSecretCommand({ SecretId: secretArn }));
    if (!secret.KmsKeyId) throw new SourceBlocked(`secret ${secretArn} is encrypted with aws/secretsmanager, not a customer key`);
    const groups = (cluster.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId).filter((id): id is string => !!id).sort();
    if (groups.length === 0) throw new SourceBlocked(`cluster ${clusterId} has no VPC security group`);
    if (!cluster.DBSubnetGroup) throw new SourceBlocked(`cluster ${clusterId} has no DB subnet group`);
    const subnets = await rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: cluster.DBSubnetGroup }));
    const subnet = [...(subnets.DBSubnetGroups?.[0]?.Subnets ?? [])]
        .filter((s) => s.SubnetStatus === "Active" && s.SubnetIdentifier && s.SubnetAvailabilityZone?.Name)
        .sort((a, b) => a.SubnetIdentifier!.localeCompare(b.SubnetIdentifier!))[0];
    if (!subnet) throw new SourceBlocked(`subnet group ${cluster.DBSubnetGroup} has no active subnet`);
    return {
        jdbcUrl: `jdbc:${scheme}://${cluster.Endpoint}:${cluster.Port}/${cluster.DatabaseName}`,
        database: cluster.DatabaseName,
        secretArn,
        subnetId: subnet.SubnetIdentifier!,
        availabilityZone: subnet.SubnetAvailabilityZone!.Name!,
        securityGroupIds: groups,
    };
}
