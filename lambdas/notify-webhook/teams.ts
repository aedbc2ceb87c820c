/** Microsoft Teams (Workflows / incoming webhook): one Adaptive Card. */
import type { Message, Tone } from "./message";

const COLOR: Record<Tone, string> = { attention: "Attention", warning: "Warning", good: "Good", accent: "Accent" };

/**
 * Adaptive Card text is markdown: object keys and bucket names must not become links or
 * emphasis, so the characters that start those are backslash-escaped.
 */
function escapeTeams(text: string): string {
    return text.replace(/[\\`*_[\]()<>~]/g, c => `\\${c}`);
}

export function toTeams(message: Message): object {
    const body: object[] = [
        { type: "TextBlock", text: escapeTeams(message.title), weight: "Bolder", size: "Medium", color: COLOR[message.tone], wrap: true },
        { type: "TextBlock", text: escapeTeams(message.summary), wrap: true },
        { type: "FactSet", facts: message.facts.map(([title, value]) => ({ title, value: escapeTeams(value) })) },
    ];
    if (message.instructions) {
        body.push({ type: "TextBlock", text: message.instructions, fontType: "Monospace", wrap: true, isSubtle: true });
    }
    return {
        type: "message",
        attachments: [
            {
                contentType: "application/vnd.microsoft.card.adaptive",
                contentUrl: null,
                content: {
                    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
                    type: "AdaptiveCard",
                    version: "1.4",
                    body,
                    actions: message.links.map(link => ({ type: "Action.OpenUrl", title: link.label, url: link.url })),
                },
            },
        ],
    };
}
