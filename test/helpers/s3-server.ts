import { spawn } from "node:child_process";
import crypto from "node:crypto";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import type { AppConfig } from "../../server/config.ts";
import type { S3Settings } from "../../server/platform/file-store.ts";

/**
 * A real S3-compatible server for a test file: moto's (`python3 -m moto.server`,
 * in memory, on a free loopback port; scripts/ensure-s3-server.sh installs it
 * where it is missing). Each bucket() is a new, empty bucket.
 */
export interface S3TestServer {
  endpoint: string;
  bucket(): Promise<S3Settings>;
  /** The same settings as the server's configuration. */
  config(settings: S3Settings): Partial<AppConfig>;
  stop(): Promise<void>;
}

const credentials = { accessKeyId: "fanpin-test", secretAccessKey: "fanpin-test-secret" };

export async function startS3Server(): Promise<S3TestServer> {
  const child = spawn("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  // A worker that dies leaves no server behind.
  const killOnExit = () => child.pid && process.kill(-child.pid, "SIGKILL");
  process.once("exit", killOnExit);
  const endpoint = await new Promise<string>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(
      () => reject(new Error(`moto's S3 server did not start in 20 s (bash scripts/ensure-s3-server.sh installs it):\n${output}`)),
      20_000,
    );
    const read = (chunk: Buffer) => {
      output += String(chunk as Buffer | string);
      const address = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (address) {
        clearTimeout(timer);
        resolve(address[1]!);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.on("error", (error) =>
      reject(new Error(`python3 -m moto.server could not be started (bash scripts/ensure-s3-server.sh installs it): ${error.message}`)),
    );
    child.on("exit", (code) =>
      reject(new Error(`moto's S3 server exited (${code}) (bash scripts/ensure-s3-server.sh installs it):\n${output}`)),
    );
  });
  // Moto logs every request; nobody reads it after the start.
  child.stdout.resume();
  child.stderr.resume();
  const admin = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials });
  return {
    endpoint,
    async bucket() {
      const bucket = `fanpin-${crypto.randomBytes(6).toString("hex")}`;
      await admin.send(new CreateBucketCommand({ Bucket: bucket }));
      return { bucket, endpoint, region: "us-east-1", forcePathStyle: true, prefix: "", ...credentials };
    },
    config(settings) {
      return {
        s3Bucket: settings.bucket,
        s3Endpoint: settings.endpoint,
        s3Region: settings.region,
        s3AccessKeyId: settings.accessKeyId,
        s3SecretAccessKey: settings.secretAccessKey,
        s3ForcePathStyle: settings.forcePathStyle,
        s3Prefix: settings.prefix,
      };
    },
    async stop() {
      admin.destroy();
      process.removeListener("exit", killOnExit);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(-child.pid!, "SIGTERM");
      await exited;
    },
  };
}
