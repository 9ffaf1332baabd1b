package dev.videocall.emulated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TerraformBlockTest {
  @TempDir Path dir;

  private TerraformBlock block(String body) throws Exception {
    Files.writeString(dir.resolve("variables.tf"), """
        variable "backoff" {
          description = "seconds # not a comment"
          type        = number
          default     = 10
        }
        variable "attempts" {
          default = 15
        }
        """);
    Path file = Files.writeString(dir.resolve("pubsub.tf"), body);
    return TerraformBlock.read(file, "resource \"google_pubsub_subscription\" \"push\"");
  }

  @Test
  void readsLiteralsNestedBlocksAndVariableDefaults() throws Exception {
    TerraformBlock b = block("""
        resource "google_pubsub_subscription" "other" {
          ack_deadline_seconds = 99
        }
        # Comment lines are skipped.
        resource "google_pubsub_subscription" "push" {
          enable_message_ordering = true
          ack_deadline_seconds    = 60 # a trailing comment
          message_retention_duration = "600s"
          retry_policy {
            minimum_backoff = "1s"
            maximum_backoff = "${var.backoff}s"
          }
          dead_letter_policy {
            max_delivery_attempts = var.attempts
          }
          expiration_policy {
            ttl = ""
          }
          depends_on = [
            google_pubsub_topic.x,
          ]
        }
        """);
    assertTrue(b.bool("enable_message_ordering"));
    assertEquals(60, b.number("ack_deadline_seconds"), "the block asked for, not the one before it");
    assertEquals(600, b.seconds("message_retention_duration"));
    assertEquals(1, b.seconds("retry_policy.minimum_backoff"));
    assertEquals(10, b.seconds("retry_policy.maximum_backoff"), "${var.backoff}s with the variable's default");
    assertEquals(15, b.number("dead_letter_policy.max_delivery_attempts"));
    assertEquals("", b.string("expiration_policy.ttl"));
    assertFalse(b.has("google_pubsub_topic.x"), "a list's lines are not settings");
  }

  @Test
  void aLocalIsReadFromTheLocalsBlockOfAnyFileBesideIt() throws Exception {
    Files.writeString(dir.resolve("functions.tf"), """
        locals {
          other = 1
        }

        locals {
          # the router answers within this
          router_timeout_seconds = 30
        }
        """);
    TerraformBlock b = block("""
        resource "google_pubsub_subscription" "push" {
          ack_deadline_seconds = local.router_timeout_seconds
          missing              = local.nowhere
        }
        """);
    assertEquals(30, b.number("ack_deadline_seconds"));
    assertTrue(assertThrows(IllegalStateException.class, () -> b.number("missing")).getMessage()
        .contains("local.nowhere is set in no locals block"));
  }

  @Test
  void aMissingSettingOrBlockIsAnErrorNamingIt() throws Exception {
    TerraformBlock b = block("""
        resource "google_pubsub_subscription" "push" {
          ack_deadline_seconds = "sixty"
        }
        """);
    assertTrue(assertThrows(IllegalStateException.class, () -> b.number("retry_policy.minimum_backoff")).getMessage()
        .contains("retry_policy.minimum_backoff is not set"));
    assertTrue(assertThrows(IllegalStateException.class, () -> b.number("ack_deadline_seconds")).getMessage()
        .contains("not a whole number"));
    assertThrows(IllegalStateException.class, () -> block("resource \"google_pubsub_subscription\" \"other\" {\n}\n"));
  }

  @Test
  void theProjectsTerraformDeclaresEverySettingTheEmulatedCloudReads() {
    Path pubsub = Path.of("..", "terraform", "pubsub.tf");
    TerraformBlock push = TerraformBlock.read(pubsub, "resource \"google_pubsub_subscription\" \"router_push\"");
    assertTrue(push.bool("enable_message_ordering"), "router-push keeps each connection's frames in order");
    assertTrue(push.number("ack_deadline_seconds") >= 10);
    assertTrue(push.seconds("retry_policy.maximum_backoff") >= push.seconds("retry_policy.minimum_backoff"));
    assertTrue(push.has("push_config.oidc_token.service_account_email"));
    CloudResources resources = CloudResources.fromTerraform(Path.of("..", "terraform"), "t");
    assertEquals(push.number("dead_letter_policy.max_delivery_attempts"), resources.maxDeliveryAttempts());
    TerraformBlock deadLetter = TerraformBlock.read(pubsub, "resource \"google_pubsub_subscription\" \"dead_letter\"");
    assertTrue(deadLetter.seconds("message_retention_duration") > 0);
    assertEquals("", deadLetter.string("expiration_policy.ttl"));
  }
}
