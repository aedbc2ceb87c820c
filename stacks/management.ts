import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Account } from "../config/accounts";
import { AccountStack, type AccountStackArgs } from "./account";

export interface ManagementAccountArgs extends AccountStackArgs {
    security: Account;
}

/** The organisation's management account: delegates Macie administration to the security account. */
export class ManagementAccount extends AccountStack {
    constructor(args: ManagementAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super(args, opts);
        const macie = new aws.macie2.Account(this.child("macie"), { findingPublishingFrequency: "FIFTEEN_MINUTES", status: "ENABLED" }, { parent: this });
        new aws.macie2.OrganizationAdminAccount(this.child("macie-admin"), { adminAccountId: args.security.id }, { parent: this, dependsOn: [macie] });
        this.registerOutputs({ accountId: this.account.id, macieAdministrator: args.security.id });
    }
}
