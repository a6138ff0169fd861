-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "declaredHouseholdEnc" TEXT;
