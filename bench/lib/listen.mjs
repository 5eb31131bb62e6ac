// Every bench server listens on PORT on 127.0.0.1 and prints "READY <port>" when it does.
export function listen(server) {
  server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
    console.log(`READY ${server.address().port}`);
  });
}
