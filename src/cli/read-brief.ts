/** A brief as the issue it stands for: the title from its first heading (else its first line, else the file's name), the whole text as the body. */
export function readBrief(text: string, fileName: string): { title: string; body: string } {
  const heading = /^#{1,6}[ \t]+(.+?)[ \t#]*$/m.exec(text)?.[1];
  const firstLine = text.split("\n").find((line) => line.trim())?.trim();
  const title = (heading ?? firstLine ?? fileName.replace(/\.[^.]+$/, "")).slice(0, 200);
  return { title, body: text };
}
