-- AlterTable
ALTER TABLE "ScreeningImport" ADD COLUMN     "fileDeletedAt" TIMESTAMP(3),
ADD COLUMN     "fileStoredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- Files already stored: retention counts from their upload.
UPDATE "ScreeningImport" SET "fileStoredAt" = "createdAt";
