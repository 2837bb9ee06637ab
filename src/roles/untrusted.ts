/**
 * Wraps text from people on the internet (issue bodies, comments) so the model reads it as data.
 * The closing tag is defused inside the text so it cannot end the wrapper early.
 */
export function untrusted(label: string, text: string): string {
  const safe = text.replace(/<\/?untrusted[^>]*>/gi, "[tag removed]");
  return `<untrusted source="${label}">\n${safe}\n</untrusted>`;
}
