import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Where the Glue scripts of the repository live (glue/<folder>/). */
const GLUE_ROOT = path.resolve(__dirname, "..", "glue");

export interface GlueScriptsArgs {
    /** glue/<folder> holding the files. */
    folder: string;
    files: readonly string[];
    /** The bucket's name (known from the model). */
    bucket: string;
    /** Key prefix in the bucket, ending in "/". */
    prefix: string;
    /** Customer key of the bucket: each object names it (SSE-KMS). */
    kmsKeyArn: pulumi.Input<string>;
}

/**
 * Ships Glue job scripts as file assets to an encrypted scripts bucket: one object per file, named
 * `<name>-<file>` under `parent` (the discovery job's and the sanitisation job's scripts, so their URNs stay
 * as they were). Returns the s3:// URI of each file.
 */
export function shipGlueScripts(name: string, args: GlueScriptsArgs, opts: pulumi.CustomResourceOptions): Record<string, string> {
    if (!args.prefix.endsWith("/")) {
        throw new Error(`Glue scripts ${name}: prefix ${args.prefix} must end in "/"`);
    }
    const uris: Record<string, string> = {};
    for (const file of args.files) {
        new aws.s3.BucketObjectv2(
            `${name}-${file}`,
            {
                bucket: args.bucket,
                key: `${args.prefix}${file}`,
                source: new pulumi.asset.FileAsset(path.join(GLUE_ROOT, args.folder, file)),
                serverSideEncryption: "aws:kms",
                kmsKeyId: args.kmsKeyArn,
            },
            opts,
        );
        uris[file] = `s3://${args.bucket}/${args.prefix}${file}`;
    }
    return uris;
}
