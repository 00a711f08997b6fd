// The baseline for the server benchmark: an express hello-world, started as its own process like the service.
import express from "express";

const app = express();
app.disable("x-powered-by");
app.get("/", (_request, response) => {
  response.send("hello world");
});
const server = app.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  console.log(typeof address === "object" && address ? address.port : "");
});
