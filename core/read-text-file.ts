// Reads a text file the user named, turning a missing or unreadable file into a TandemError that names it.
import { readFileSync } from "node:fs";
import { TandemError } from "./errors.js";

export function readTextFile(path: string, what = "file"): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TandemError(
      code === "ENOENT" ? "not_found" : "io_error",
      code === "ENOENT" ? `${what} not found` : `cannot read the ${what}: ${code ?? String(error)}`,
      {
        where: { file: path },
        cause: error,
      },
    );
  }
}
