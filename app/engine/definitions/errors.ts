// A definition (file, designer input or bundle item) that is refused: every problem, in Chinese,
// each naming where it is. Nothing was stored.
export class DefinitionError extends Error {
  constructor(public problems: string[]) {
    super(`配置有误：\n${problems.join("\n")}`);
  }
}
