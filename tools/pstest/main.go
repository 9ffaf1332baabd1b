// Command pstest runs Google's in-memory Pub/Sub fake (cloud.google.com/go/pubsub/v2/pstest) on a
// local port, for tests on machines without Docker. Point PUBSUB_EMULATOR_HOST at it.
//
//	pstest [-port N]   # N defaults to $PORT, else 8085; 0 picks a free port
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"cloud.google.com/go/pubsub/v2/pstest"
)

func main() {
	def := 8085
	if p, err := strconv.Atoi(os.Getenv("PORT")); err == nil {
		def = p
	}
	port := flag.Int("port", def, "port to listen on (0 picks a free one); defaults to $PORT, else 8085")
	flag.Parse()

	srv := pstest.NewServerWithPort(*port)
	fmt.Printf("pstest listening on %s\n", srv.Addr)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	sig := <-stop
	if err := srv.Close(); err != nil {
		log.Fatalf("pstest: close after %v: %v", sig, err)
	}
	fmt.Printf("pstest stopped (%v)\n", sig)
}
