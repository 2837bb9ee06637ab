import MarkdownIt from "markdown-it";
import { trusted, type Html } from "./html.ts";

// Raw HTML off: whatever a model wrote is text, never markup; markdown-it refuses javascript: and data: links.
const markdown = new MarkdownIt({ html: false, linkify: false, breaks: true, typographer: false });
markdown.renderer.rules.link_open = (tokens, index, options, _env, self) => {
  tokens[index]!.attrSet("rel", "noreferrer");
  return self.renderToken(tokens, index, options);
};

/** A validator's evidence or a worker's summary as its author formatted it: line breaks, code spans, lists — safely. */
export function renderText(text: string): Html {
  return trusted(`<div class="prose">${markdown.render(text)}</div>`);
}
