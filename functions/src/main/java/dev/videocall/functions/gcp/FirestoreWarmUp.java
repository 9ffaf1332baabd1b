package dev.videocall.functions.gcp;

import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.Firestore;
import dev.videocall.functions.WarmUp;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Connects the router's Firestore client before its first join: one read of a document that is
 * never written (its gRPC channel, credentials and the read path are set up by the time the join's
 * transaction runs). The cheapest round trip that reaches the database: one document read (counted
 * as one billed read though the document never exists; docs/deploy.md counts it per wake); no write,
 * no query, no transaction (a transaction would add a begin and a rollback on top of its reads).
 */
public final class FirestoreWarmUp implements WarmUp {
  /** Outside {@code sessions} and {@code gateways}: nothing reads it for a meaning, nothing writes it. */
  static final String COLLECTION = "warm-up";
  static final String DOCUMENT = "router";
  static final long TIMEOUT_SECONDS = 5;

  private final DocumentReference never;

  public FirestoreWarmUp(Firestore db) {
    this.never = db.collection(COLLECTION).document(DOCUMENT);
  }

  @Override
  public void run() {
    try {
      // Bounded: a wake holds a router instance while it waits, and a join connects by itself anyway.
      never.get().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Firestore did not answer within " + TIMEOUT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to Firestore", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not reach Firestore: " + e.getCause().getMessage(), e.getCause());
    }
  }
}
