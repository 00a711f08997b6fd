// Reads a JSON Lines file of the benchmark's datasets; a bad line stops the run with its number.
import { readFileSync } from "node:fs";

export function readJsonLines<T>(path: string): T[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, index) => {
      try {
        return JSON.parse(line) as T;
      } catch (error) {
        throw new Error(`${path}, line ${index + 1}: ${(error as Error).message}`);
      }
    });
}
