-- gcstress.hs — the Haskell twin of examples/gcstress.c, for `make bench`.
--
--   gcstress [seed [rounds [ring]]] +RTS -s -RTS
--
-- The same workload step by step: the same xorshift PRNG, the same tree
-- shapes (a node is a header, two pointers and an unpacked word: four
-- words, as in C), the same ring of trees in a mutable array, old IORefs
-- and a large old array made to point at young trees, large and pinned
-- byte arrays; the same checksum, so the two programs print the same last
-- line.  Only base and array (shipped with GHC) are used.
{-# LANGUAGE BangPatterns #-}
module Main (main) where

import Control.Monad (forM_, when)
import Data.Array.IO (IOArray, IOUArray, newArray, readArray, writeArray)
import Data.Bits (shiftL, shiftR, xor)
import Data.IORef
import Data.Word (Word64)
import Foreign.ForeignPtr (ForeignPtr, mallocForeignPtrBytes, withForeignPtr)
import Foreign.Storable (peekElemOff, pokeElemOff)
import Numeric (showHex)
import System.Environment (getArgs)

data Tree = Tree !Tree !Tree {-# UNPACK #-} !Word64 | Nil

type Rng = IOUArray Int Word64

nextRand :: Rng -> IO Word64
nextRand g = do
  x0 <- readArray g 0
  let x1 = x0 `xor` (x0 `shiftL` 13)
      x2 = x1 `xor` (x1 `shiftR` 7)
      x3 = x2 `xor` (x2 `shiftL` 17)
  writeArray g 0 x3
  return x3

fold :: Word64 -> Word64 -> Word64
fold s x = s * 1099511628211 + x

build :: Rng -> Int -> IO Tree
build g 0 = do v <- nextRand g; return $! Tree Nil Nil v
build g d = do
  l <- build g (d - 1)
  r <- build g (d - 1)
  v <- nextRand g
  return $! Tree l r v

treeHash :: Tree -> Word64
treeHash Nil = 1
treeHash (Tree l r v) = (treeHash l * 0x100000001B3 + treeHash r) `xor` v

-- Unpinned byte arrays: (length in bytes, words).
data Bytes = Bytes !Int !(IOUArray Int Word64)

bytesHash :: Maybe Bytes -> IO Word64
bytesHash Nothing = return 7
bytesHash (Just (Bytes n a)) = go 0 (fromIntegral n)
  where go :: Int -> Word64 -> IO Word64
        go !i !h | i >= n `div` 8 = return h
                 | otherwise = do w <- readArray a i; go (i + 1) (fold h w)

pinnedHash :: Maybe (Int, ForeignPtr Word64) -> IO Word64
pinnedHash Nothing = return 7
pinnedHash (Just (n, fp)) = withForeignPtr fp $ \p ->
  let go !i !h | i >= n `div` 8 = return h
               | otherwise = do w <- peekElemOff p i; go (i + 1) (fold h w)
  in go 0 (fromIntegral n)

nvars, nbig, npinned, bigarr :: Int
nvars = 64; nbig = 8; npinned = 16; bigarr = 1000

main :: IO ()
main = do
  args <- getArgs
  let seed = case args of (s:_) -> read s; _ -> 1 :: Word64
      rounds = case args of (_:r:_) -> read r; _ -> 3000 :: Int
      ringN = case args of (_:_:n:_) -> read n; _ -> 256 :: Int
  g <- newArray (0, 0) seed :: IO Rng
  ring <- newArray (0, ringN - 1) Nil :: IO (IOArray Int Tree)
  vars <- newArray (0, nvars - 1) undefined :: IO (IOArray Int (IORef Tree))
  bigs <- newArray (0, nbig - 1) Nothing :: IO (IOArray Int (Maybe Bytes))
  pins <- newArray (0, npinned - 1) Nothing :: IO (IOArray Int (Maybe (Int, ForeignPtr Word64)))
  big <- newArray (0, bigarr - 1) Nil :: IO (IOArray Int Tree)
  forM_ [0 .. nvars - 1] $ \i -> newIORef Nil >>= writeArray vars i
  sumRef <- newIORef seed
  let add x = modifyIORef' sumRef (`fold` x)
      rand n = (\w -> fromIntegral (w `mod` fromIntegral n)) <$> nextRand g
  forM_ [0 .. rounds - 1] $ \r -> do
    depth <- (\w -> 3 + fromIntegral (w `mod` 8)) <$> nextRand g
    t <- build g depth
    slot <- rand ringN
    old <- readArray ring slot
    add (treeHash old)
    writeArray ring slot t

    t2 <- build g 2
    mv <- rand nvars >>= readArray vars
    readIORef mv >>= add . treeHash
    writeIORef mv t2

    when (r `mod` 8 == 0) $ do
      t3 <- build g 1
      i <- rand bigarr
      readArray big i >>= add . treeHash
      writeArray big i t3
    when (r `mod` 16 == 0) $ do
      w <- nextRand g
      let n = 8 * (2048 + fromIntegral (w `mod` 6144))
      a <- newArray (0, n `div` 8 - 1) 0 :: IO (IOUArray Int Word64)
      forM_ [0 .. n `div` 8 - 1] $ \k -> nextRand g >>= writeArray a k
      i <- rand nbig
      readArray bigs i >>= bytesHash >>= add
      writeArray bigs i (Just (Bytes n a))
    when (r `mod` 32 == 0) $ do
      w <- nextRand g
      let n = 8 * (32 + fromIntegral (w `mod` 224))
      fp <- mallocForeignPtrBytes n
      withForeignPtr fp $ \p -> forM_ [0 .. n `div` 8 - 1] $ \k -> nextRand g >>= pokeElemOff p k
      i <- rand npinned
      readArray pins i >>= pinnedHash >>= add
      writeArray pins i (Just (n, fp))

  forM_ [0 .. ringN - 1] $ \i -> readArray ring i >>= add . treeHash
  forM_ [0 .. nvars - 1] $ \i -> readArray vars i >>= readIORef >>= add . treeHash
  forM_ [0 .. bigarr - 1] $ \i -> readArray big i >>= add . treeHash
  forM_ [0 .. nbig - 1] $ \i -> readArray bigs i >>= bytesHash >>= add
  forM_ [0 .. npinned - 1] $ \i -> readArray pins i >>= pinnedHash >>= add
  s <- readIORef sumRef
  putStrLn ("checksum: 0x" ++ pad (showHex s ""))
  where pad s = replicate (16 - length s) '0' ++ s
