// Instance hardening shared by EC2 launch templates/instances and Image Builder: encrypted EBS
// with a customer key, IMDSv2 with a small hop limit.
import { keyRefProblem } from "./kms-ref";
import { requireOneOf } from "./settings";
import { isUnknown } from "./unknown";
import { asList, dig, show, toNumber } from "./values";

export function checkEbs(ebs: unknown, label: string, report: (m: string) => void): void {
    if (isUnknown(ebs)) {
        report(`${label} is not known at preview`);
        return;
    }
    if (requireOneOf(dig(ebs, "encrypted"), [true, "true"], `${label}.encrypted`, report)) {
        const problem = keyRefProblem(dig(ebs, "kmsKeyId"), label);
        if (problem) {
            report(problem);
        }
    }
}

export function checkImdsV2(options: unknown, label: string, maxHopLimit: number, report: (m: string) => void): void {
    if (isUnknown(options)) {
        report(`${label} is not known at preview`);
        return;
    }
    requireOneOf(dig(options, "httpTokens"), ["required"], `${label}.httpTokens`, report);
    const hops = dig(options, "httpPutResponseHopLimit");
    if (isUnknown(hops)) {
        report(`${label}.httpPutResponseHopLimit is not known at preview`);
    } else if (hops !== undefined && (toNumber(hops) ?? Infinity) > maxHopLimit) {
        report(`${label}.httpPutResponseHopLimit is ${show(hops)}, more than ${maxHopLimit}`);
    }
}

/** Every EBS mapping encrypted with a customer key; at least one mapping must be declared. */
export function checkBlockDeviceMappings(mappings: unknown, report: (m: string) => void): void {
    if (isUnknown(mappings)) {
        report("blockDeviceMappings is not known at preview");
        return;
    }
    const ebsMappings = asList(mappings).filter(m => dig(m, "ebs") !== undefined);
    if (ebsMappings.length === 0) {
        report("declares no EBS block device mapping, so volumes follow the image snapshot's encryption");
    }
    ebsMappings.forEach((m, i) => checkEbs(dig(m, "ebs"), `blockDeviceMappings[${i}].ebs`, report));
}
