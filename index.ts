import * as pulumi from "@pulumi/pulumi";
import { environmentFromConfig } from "./config/environment";
import { deployEnvironment } from "./stacks/environment";

// Validate the whole environment before registering anything: a bad key stops here, naming itself.
const env = environmentFromConfig(pulumi.getStack(), pulumi.runtime.allConfig());

export const accounts = deployEnvironment(env);
