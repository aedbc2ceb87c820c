import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface LakeFormationSettingsArgs {
    /** The deploy role (it must stay an admin to manage grants) plus configured admins. */
    admins: string[];
    /** EMR runtime roles in this account read through Lake Formation: allow EMR's session tag, for this account only. */
    emrAccountId?: string;
}

/**
 * The account's Lake Formation settings, owned by exactly one stack: the resource is authoritative,
 * so whatever it omits is cleared. Default permissions are empty (Lake Formation mode, no
 * IAM_ALLOWED_PRINCIPALS) and cross-account sharing uses version 4.
 */
export class LakeFormationSettings extends pulumi.ComponentResource {
    readonly settings: aws.lakeformation.DataLakeSettings;

    constructor(name: string, args: LakeFormationSettingsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakewarden:lakeformation:Settings", name, {}, opts);
        const emr = args.emrAccountId
            ? {
                  allowExternalDataFiltering: true,
                  externalDataFilteringAllowLists: [args.emrAccountId],
                  authorizedSessionTagValueLists: ["Amazon EMR"],
              }
            : { allowExternalDataFiltering: false };
        this.settings = new aws.lakeformation.DataLakeSettings(
            name,
            {
                admins: [...new Set(args.admins)].sort(),
                readOnlyAdmins: [],
                createDatabaseDefaultPermissions: [],
                createTableDefaultPermissions: [],
                trustedResourceOwners: [],
                allowFullTableExternalDataAccess: false,
                parameters: { CROSS_ACCOUNT_VERSION: "4" },
                ...emr,
            },
            { parent: this },
        );
        this.registerOutputs({});
    }
}
