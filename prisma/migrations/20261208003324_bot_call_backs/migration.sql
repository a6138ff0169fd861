-- AlterEnum
ALTER TYPE "CaseKind" ADD VALUE 'CALL_BACK';
